/*
** mask.h — masking personal data for display and export (DESIGN.md §4:
** "exports are masked by default"): ID numbers, phone numbers, names and any
** other text.
**
** Rules shared by every function:
** - at least half of the characters are hidden, so a short input is never
**   shown whole;
** - one * stands for one hidden character (UTF-8 aware: "欧阳修" → "欧阳*"),
**   except in mask_text, which hides the length too;
** - input that is not valid UTF-8 gives "***" and nothing of the input;
** - leading and trailing spaces are ignored; NULL is treated as "".
**
** Each returns 0, or -1 when out (outlen bytes) is too small, in which case
** out is "" (a half-written mask would mislead) when outlen > 0. A buffer of
** strlen(in) + 4 bytes is always enough.
*/
#ifndef TANDEM_MASK_H
#define TANDEM_MASK_H

#include <stddef.h>

/* The first 4 and last 4 characters of an 18-character ID number, stars
** between: "1101**********7777". A shorter input keeps only a quarter of its
** characters at each end ("12345678" → "12****78", "1234" → "1**4"). */
int mask_id_number(const char *in, char *out, size_t outlen);

/* An 11-digit mainland mobile number (1XXXXXXXXXX) keeps its first 3 and
** last 4 digits: "138****5678". Anything else keeps only its last 4
** characters, fewer if it is shorter than 8: "010-12345678" → "********5678". */
int mask_phone(const char *in, char *out, size_t outlen);

/* A person's name keeps its surname: the first character, or the first two
** for a common compound surname (复姓: 欧阳, 司马, 诸葛 …) when the name has
** three characters or more. "张三" → "张*", "欧阳娜娜" → "欧阳**",
** "张" → "*". */
int mask_name(const char *in, char *out, size_t outlen);

/* Any other text: its first character and "***", whatever its length
** ("地址很长" → "地***"). A single character gives "***"; "" gives "". */
int mask_text(const char *in, char *out, size_t outlen);

#endif
