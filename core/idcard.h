/*
** idcard.h — Chinese resident identity numbers (居民身份证号码, GB 11643-1999).
**
** An ID number is 18 characters: a 6-digit region code (GB/T 2260), the
** 8-digit birth date YYYYMMDD, a 3-digit sequence whose last digit is odd for
** men and even for women, and a check character 0-9 or X (ISO 7064 MOD 11-2).
** The same layout is used by the residence permits for people from Hong Kong,
** Macao (810000, 820000) and Taiwan (830000), so those pass too.
**
** DESIGN.md §4: ID numbers are validated, stored only where needed and never
** shown in full — mask them with mask_id_number() (mask.h) before display.
** Nothing here logs or copies the number anywhere.
*/
#ifndef TANDEM_IDCARD_H
#define TANDEM_IDCARD_H

#include <stddef.h>
#include <time.h>

/* Room for any message of idcard_check(), NUL included. */
#define IDCARD_WHY_SIZE 120

/* Cleans up what a person typed, in place (the result is never longer):
** removes spaces anywhere (people type the number in groups, "110105
** 19491231 002X"), including the full-width space of Chinese input methods;
** turns full-width digits and Ｘ into ASCII; upper-cases x.
** Call it before idcard_check(). NULL is ignored. */
void idcard_normalise(char *s);

/* Returns 0 when s is a valid 18-character ID number, -1 otherwise. A lower-case
** x as check character is accepted (idcard_normalise() upper-cases it).
** Checks, in order: only digits (and X last); the length (old 15-digit numbers
** are refused with their own message); the province-level region code; the
** birth date is a real date from 1900-01-01 to today (local time); the check
** character. The 4-digit county part of the region code is not checked:
** counties are merged and renamed, and old numbers stay valid.
** On failure, when why is not NULL, it receives one sentence saying what is
** wrong, for the person entering the number, e.g. "the check digit should be
** 7, not 3 (is a digit mistyped?)". The message never repeats the whole
** number, only the part at fault, and fits in IDCARD_WHY_SIZE bytes. */
int idcard_check(const char *s, char *why, size_t whylen);

/* idcard_check with "today" taken from now instead of the computer's clock:
** the core passes its own (TANDEM_NOW), or an event's time. */
int idcard_check_at(const char *s, time_t now, char *why, size_t whylen);

/* Writes the birth date of an ID number as "YYYY-MM-DD" into out. Returns 0,
** or -1 (out = "") when characters 7–14 of id are not a real date. */
int idcard_birth_date(const char *id, char out[11]);

/* 1 for male, 2 for female (the codes of GB/T 2261.1), from the parity of the
** 17th character; 0 when id is shorter or that character is not a digit. */
int idcard_gender(const char *id);

#endif
