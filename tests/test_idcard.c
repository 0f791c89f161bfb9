/*
** test_idcard.c — ID numbers (GB 11643-1999) are checked character by
** character, with a message a social worker can act on for each mistake.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idcard.h"
#include "tap.h"

/* The ID number made of first17 and its check character, computed here
** independently of idcard.c: weight i is 2^(17-i) mod 11. */
static const char *make_id(const char *first17)
{
    static char id[19];
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * ((1 << (17 - i)) % 11);
    int value = (12 - sum % 11) % 11; /* the check value makes the full sum 1 mod 11 */
    snprintf(id, sizeof id, "%.17s%c", first17, value == 10 ? 'X' : '0' + value);
    return id;
}

/* A valid ID number with the given province code and birth date. */
static const char *id_with(const char *province, const char *birth)
{
    char first17[18];
    snprintf(first17, sizeof first17, "%.2s0105%.8s123", province, birth);
    return make_id(first17);
}

static char why[256];
static size_t longest_why;

/* Checks id and shows it with the verdict; control and stray bytes as \xNN so
** that the TAP stream stays one comment per line. */
static int check(const char *id)
{
    int rc = idcard_check(id, why, sizeof why);
    if (strlen(why) > longest_why)
        longest_why = strlen(why);
    printf("# ");
    for (const unsigned char *p = (const unsigned char *)(id ? id : "(null)"); *p; p++)
        printf(*p < 0x20 || *p == 0x7F || *p == 0xFF ? "\\x%02X" : "%c", *p);
    printf(": %s\n", rc == 0 ? "valid" : why);
    return rc;
}

static void test_classic_sample_is_valid(void)
{
    is_str(make_id("11010519491231002"), "11010519491231002X",
           "the test's own check-digit computation agrees with the published sample");
    is_int(check("11010519491231002X"), 0, "11010519491231002X, the GB 11643 sample, is valid");
    is_str(why, "", "and no message is left behind");
    is_int(check("11010519491231002x"), 0, "a lower-case x check character is accepted");
    is_int(check(make_id("44030420080808123")), 0, "a constructed Shenzhen number is valid");
    is_int(check(make_id("11019919800101001")), 0,
           "an unknown county code (110199) is not refused");
}

static void test_wrong_check_digit(void)
{
    char id[19];
    strcpy(id, make_id("44030420080808123"));
    char right = id[17];
    id[17] = right == '3' ? '4' : '3';
    is_int(check(id), -1, "a wrong check digit is refused");
    char want[80];
    snprintf(want, sizeof want, "the check digit should be %c, not %c (is a digit mistyped?)",
             right, id[17]);
    is_str(why, want, "the message names the right and the wrong check digit");
    is_int(check("110105194912310021"), -1, "a digit where X belongs is refused");
    is_str(why, "the check digit should be X, not 1 (is a digit mistyped?)",
           "and the message names X");
    is_int(check("11010519491231020X"), -1, "two swapped digits are caught");
}

static void test_length(void)
{
    is_int(check("11010519491231002"), -1, "17 characters are refused");
    is_str(why, "an ID number has 18 characters, this one has 17", "the message counts them");
    is_int(check("11010519491231002X1"), -1, "19 characters are refused");
    like(why, "this one has 19", "the message counts 19");
    is_int(check(""), -1, "an empty string is refused");
    is_str(why, "no ID number was given", "and said to be missing");
    is_int(check(NULL), -1, "NULL is refused without crashing");
    is_int(check("110105491231002"), -1, "an old 15-digit number is refused");
    like(why, "old 15-digit ID number", "the message recognises the old format");
    like(why, "use the 18-digit number", "and says what to use instead");
    is_int(check("11010519491231002XX"), -1, "XX at the end is a length error");
    is_int(check("1101051949123100X2"), -1, "an X before the end is refused");
    is_str(why, "character 17 is X, but X can only be the last character",
           "the message says where X may stand");
}

static void test_characters(void)
{
    is_int(check("11010519491231OO2X"), -1, "letters are refused");
    is_str(why, "character 15 is the letter O; should it be the digit 0?",
           "a letter O is recognised as a likely zero");
    is_int(check("1101051949123l002X"), -1, "a lower-case l is refused");
    like(why, "the digit 1?", "and suggested to be a one");
    is_int(check("11010519491231002A"), -1, "a letter other than X at the end is refused");
    is_str(why, "character 18 is 'A'; an ID number has only digits and a final X",
           "the message quotes the letter and says what is allowed");
    is_int(check("110105 19491231002X"), -1, "a space inside is refused by the check");
    is_str(why, "character 7 is a space; an ID number has no spaces", "and named as a space");
    is_int(check("１1010519491231002X"), -1, "a full-width digit is refused by the check");
    like(why, "character 1 is a full-width '１'", "and counted as one character");
    like(why, "half-width", "with a hint about the input method");
    is_int(check("身份证11010519491231"), -1, "Chinese characters are refused");
    like(why, "character 1 is '身'", "the character is quoted whole");
    is_int(check("1101051949\3771231002X"), -1, "a byte that is not UTF-8 is refused");
    is_str(why, "character 11 is a byte that is not text (0xFF); please retype the number",
           "and shown as a byte");
    is_int(check("1101051949\0011231002X"), -1, "a control character is refused");
    like(why, "invisible control character", "and called invisible");
    is_int(check("11010519491231002X\n"), -1, "a trailing newline is refused by the check");
    like(why, "character 19 is a tab or line break", "and named");
    is_int(check("\u300011010519491231002X"), -1, "a leading full-width space is refused");
    like(why, "character 1 is a full-width space", "and named as such");
}

static void test_province(void)
{
    static const char *const valid[] = {"11", "15", "21", "23", "31", "37", "41", "46",
                                        "50", "54", "61", "65", "71", "81", "82", "83"};
    static const char *const invalid[] = {"00", "10", "16", "20", "24", "30", "38", "47", "49",
                                          "55", "60", "66", "70", "72", "80", "84", "91", "99"};
    int all = 1;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        all &= check(id_with(valid[i], "19800101")) == 0;
    ok(all, "every province-level code, Hong Kong, Macao and Taiwan permits are accepted");
    int none = 1;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        none &= check(id_with(invalid[i], "19800101")) == -1;
    ok(none, "codes between and beyond the provinces are refused");
    check(id_with("99", "19800101"));
    like(why, "the first two digits, 99, are not a province", "the message names them");
}

static void test_birth_date(void)
{
    is_int(check(id_with("11", "19900230")), -1, "February 30 is refused");
    like(why, "the birth date 19900230 does not exist", "the message says the date");
    like(why, "February 1990 has 28 days", "and why it does not exist");
    is_int(check(id_with("11", "19901301")), -1, "month 13 is refused");
    like(why, "there is no month 13", "the message names the month");
    is_int(check(id_with("11", "19900000")), -1, "month 00 is refused");
    is_int(check(id_with("11", "19900100")), -1, "day 00 is refused");
    like(why, "there is no day 00", "the message names the day");
    is_int(check(id_with("11", "19900431")), -1, "April 31 is refused");
    is_int(check(id_with("11", "20000229")), 0, "2000-02-29 exists (divisible by 400)");
    is_int(check(id_with("11", "20240229")), 0, "2024-02-29 exists");
    is_int(check(id_with("11", "19000229")), -1, "1900-02-29 does not (divisible by 100)");
    is_int(check(id_with("11", "20230229")), -1, "2023-02-29 does not");
    is_int(check(id_with("11", "19000101")), 0, "1900-01-01 is the earliest date accepted");
    is_int(check(id_with("11", "18991231")), -1, "1899-12-31 is refused");
    like(why, "is before 1900", "and said to be too early");
}

/* Today + days in local time, as YYYYMMDD. */
static void local_date(int days, char out[9])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_mday += days;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    mktime(&tm);
    snprintf(out, 9, "%04d%02d%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
             tm.tm_mday % 100);
}

static void test_future_birth_date(void)
{
    char today[9], tomorrow[9];
    local_date(0, today);
    local_date(1, tomorrow);
    is_int(check(id_with("11", today)), 0, "a baby born today can be registered");
    is_int(check(id_with("11", tomorrow)), -1, "a birth date tomorrow is refused");
    like(why, "is in the future", "and said to be in the future");
    is_int(check(id_with("11", "29991231")), -1, "a birth date in 2999 is refused");
}

/* The core's clock (TANDEM_NOW in tests and training) decides what "the
** future" is, not the computer's. */
static void test_birth_date_against_a_given_clock(void)
{
    struct tm noon_2000 = {.tm_year = 100, .tm_mon = 0, .tm_mday = 1, .tm_hour = 12};
    time_t then = mktime(&noon_2000);
    const char *id = id_with("11", "20100501");
    is_int(idcard_check(id, why, sizeof why), 0, "a birth date in 2010 is past by the real clock");
    is_int(idcard_check_at(id, then, why, sizeof why), -1,
           "but in the future on a clock set to 2000-01-01");
    like(why, "is in the future", "and said to be");
    is_int(idcard_check_at(id_with("11", "19991231"), then, why, sizeof why), 0,
           "the day before that clock's date is fine");
}

static void test_normalise(void)
{
    char s[64];
    strcpy(s, "  11010519491231002x \t\n");
    idcard_normalise(s);
    is_str(s, "11010519491231002X", "normalise trims and upper-cases x");
    strcpy(s, "110105 19491231 002X");
    idcard_normalise(s);
    is_str(s, "11010519491231002X", "spaces typed between groups are removed");
    strcpy(s, "１１０１０５１９４９１２３１００２ｘ");
    idcard_normalise(s);
    is_str(s, "11010519491231002X", "full-width digits and ｘ become ASCII");
    strcpy(s, "\u3000110105194912310０2Ｘ\u3000");
    idcard_normalise(s);
    is_str(s, "11010519491231002X", "the full-width space is removed");
    is_int(check(s), 0, "and the result passes the check");
    strcpy(s, "");
    idcard_normalise(s);
    is_str(s, "", "an empty string stays empty");
    idcard_normalise(NULL);
    ok(1, "NULL is ignored");
    strcpy(s, "11010519491231O02X");
    idcard_normalise(s);
    is_str(s, "11010519491231O02X", "a letter O is left for the check to report");
    strcpy(s, "张三\xff");
    idcard_normalise(s);
    is_str(s, "张三\xff", "other text and bad bytes are left alone");
}

static void test_fields(void)
{
    char date[11];
    is_int(idcard_birth_date("11010519491231002X", date), 0, "the birth date is read");
    is_str(date, "1949-12-31", "as YYYY-MM-DD");
    is_int(idcard_gender("11010519491231002X"), 2, "the 17th digit 2 (even) means female");
    is_int(idcard_gender(make_id("44030420080808123")), 1, "the 17th digit 3 (odd) means male");
    is_int(idcard_birth_date("1101051949", date), -1, "a short number has no birth date");
    is_str(date, "", "and the output is empty");
    is_int(idcard_birth_date("110105199002300000", date), -1, "nor does an impossible date");
    is_int(idcard_birth_date(NULL, date), -1, "NULL has no birth date");
    is_int(idcard_gender("1101051949123100"), 0, "16 characters have no gender digit");
    is_int(idcard_gender("1101051949123100X0"), 0, "an X in place 17 is no gender digit");
    is_int(idcard_gender(NULL), 0, "NULL has no gender");
}

static void test_message_buffer(void)
{
    char small[12];
    is_int(idcard_check("11010519491231002", small, sizeof small), -1,
           "a small message buffer still gets the verdict");
    is_str(small, "an ID numbe", "and a truncated, terminated message");
    is_int(idcard_check("11010519491231002", NULL, 0), -1, "a NULL message buffer is allowed");
    strcpy(small, "stale");
    is_int(idcard_check("11010519491231002X", small, sizeof small), 0, "a valid number");
    is_str(small, "", "clears an old message");
}

int main(void)
{
    test_classic_sample_is_valid();
    test_wrong_check_digit();
    test_length();
    test_characters();
    test_province();
    test_birth_date();
    test_future_birth_date();
    test_birth_date_against_a_given_clock();
    test_normalise();
    test_fields();
    test_message_buffer();
    ok(longest_why < IDCARD_WHY_SIZE, "every message fits in IDCARD_WHY_SIZE (longest: %zu)",
       longest_why);
    return done_testing();
}
