/*
** test_mask.c — ID numbers, phone numbers, names and text are masked for
** display: at least half hidden, one star per hidden character, whole UTF-8
** characters only, and never the whole input, however short.
*/
#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "tap.h"
#include "text.h"

typedef int (*mask_fn)(const char *in, char *out, size_t outlen);

static char out[128];

static const char *masked(mask_fn fn, const char *in)
{
    memset(out, '?', sizeof out);
    if (fn(in, out, sizeof out) != 0)
        return "(failed)";
    return out;
}

static void test_id_number(void)
{
    is_str(masked(mask_id_number, "110105194912317777"), "1101**********7777",
           "an ID number keeps 4 characters at each end, 10 stars between");
    is_str(masked(mask_id_number, "11010519491231002X"), "1101**********002X",
           "a final X is kept like a digit");
    is_str(masked(mask_id_number, " 11010519491231002X\n"), "1101**********002X",
           "surrounding spaces are ignored");
    is_str(masked(mask_id_number, "110105491231002"), "110*********002",
           "an old 15-digit number keeps 3 at each end");
    is_str(masked(mask_id_number, "12345678"), "12****78", "8 characters keep 2 at each end");
    is_str(masked(mask_id_number, "1234"), "1**4", "4 characters keep 1 at each end");
    is_str(masked(mask_id_number, "123"), "***", "3 characters are all hidden");
    is_str(masked(mask_id_number, "1"), "*", "one character is hidden");
    is_str(masked(mask_id_number, ""), "", "an empty string gives an empty mask");
    is_str(masked(mask_id_number, NULL), "", "NULL gives an empty mask");
}

static void test_phone(void)
{
    is_str(masked(mask_phone, "13812345678"), "138****5678", "a mobile keeps 3 and 4 digits");
    is_str(masked(mask_phone, "010-12345678"), "********5678",
           "a landline keeps its last 4 characters");
    is_str(masked(mask_phone, "01012345678"), "*******5678",
           "11 digits not starting with 1 are not a mobile");
    is_str(masked(mask_phone, "1381234567"), "******4567", "10 digits keep the last 4");
    is_str(masked(mask_phone, "+8613812345678"), "**********5678",
           "a number with +86 keeps the last 4");
    is_str(masked(mask_phone, "12345"), "***45", "5 characters keep 2");
    is_str(masked(mask_phone, "5678"), "**78", "4 characters keep 2, never all 4");
    is_str(masked(mask_phone, "1"), "*", "one digit is hidden");
    is_str(masked(mask_phone, ""), "", "an empty phone gives an empty mask");
    is_str(masked(mask_phone, "电话１３８"), "***３８",
           "characters, not bytes, are counted and kept");
}

static void test_name(void)
{
    is_str(masked(mask_name, "张三"), "张*", "a two-character name keeps the surname");
    is_str(masked(mask_name, "张三丰"), "张**", "one star per hidden character");
    is_str(masked(mask_name, "欧阳娜娜"), "欧阳**", "a compound surname is kept whole");
    is_str(masked(mask_name, "欧阳修"), "欧阳*", "also with a one-character given name");
    is_str(masked(mask_name, "欧阳"), "欧*", "but never the whole name");
    is_str(masked(mask_name, "张"), "*", "a one-character name is hidden");
    is_str(masked(mask_name, "阿依古丽·买买提"), "阿*******",
           "a Uyghur name with a middle dot hides 7 characters");
    is_str(masked(mask_name, "𠮷田"), "𠮷*", "a 4-byte character is kept whole");
    is_str(masked(mask_name, "Anna"), "A***", "a Latin name keeps its first letter");
    is_str(masked(mask_name, "  李四 "), "李*", "spaces around a name are ignored");
    is_str(masked(mask_name, ""), "", "an empty name gives an empty mask");
    is_str(masked(mask_name, NULL), "", "NULL gives an empty mask");
}

static void test_text(void)
{
    is_str(masked(mask_text, "北京市朝阳区幸福里3号"), "北***",
           "text keeps its first character and hides its length");
    is_str(masked(mask_text, "ab"), "a***", "two characters keep the first");
    is_str(masked(mask_text, "a"), "***", "one character is hidden");
    is_str(masked(mask_text, "地"), "***", "one Chinese character is hidden");
    is_str(masked(mask_text, ""), "", "an empty text gives an empty mask");
    is_str(masked(mask_text, "   "), "", "spaces only give an empty mask");
}

static void test_bad_input_and_small_buffers(void)
{
    is_str(masked(mask_name, "\xe5\xbc"), "***", "a cut UTF-8 character shows nothing");
    is_str(masked(mask_text, "\377abc"), "***", "a stray byte shows nothing");
    is_str(masked(mask_id_number, "1101\xc0\xaf"), "***", "an overlong sequence shows nothing");
    char small[5];
    is_int(mask_name("张三", small, sizeof small), 0, "\"张*\" fits in 5 bytes");
    is_str(small, "张*", "and is written whole");
    strcpy(small, "old");
    is_int(mask_name("张三", small, 4), -1, "4 bytes are too few");
    is_str(small, "", "and the output is empty, not half a mask");
    is_int(mask_phone("13812345678", NULL, 0), -1, "no buffer at all is refused");
    char tight[4];
    is_int(mask_text("", tight, 1), 0, "an empty mask fits in 1 byte");
}

/* A property over many inputs: the mask is valid UTF-8, fits in
** strlen(in) + 4 bytes, and never contains the whole input. */
static void test_never_shows_the_whole_input(void)
{
    static const char *const inputs[] = {
        "1", "12", "张", "张三", "13812345678", "5678", "欧阳", "110105194912317777", "ab", "a b"};
    static const mask_fn fns[] = {mask_id_number, mask_phone, mask_name, mask_text};
    int good = 1;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
            char o[64];
            size_t cap = strlen(inputs[i]) + 4;
            int rc = fns[f](inputs[i], o, cap);
            if (rc != 0 || !text_utf8_valid(o, strlen(o)) || strstr(o, inputs[i])) {
                printf("# function %zu on '%s' gave '%s' (rc %d)\n", f, inputs[i], o, rc);
                good = 0;
            }
        }
    }
    ok(good, "no mask shows its whole input, each is UTF-8 and fits strlen + 4 bytes");
}

int main(void)
{
    test_id_number();
    test_phone();
    test_name();
    test_text();
    test_bad_input_and_small_buffers();
    test_never_shows_the_whole_input();
    return done_testing();
}
