/*
** text.h — small text helpers shared by config, events and the CLI.
*/
#ifndef TANDEM_TEXT_H
#define TANDEM_TEXT_H

#include <stddef.h>

/* 1 when p[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int text_utf8_valid(const char *p, size_t n);

/* 1 when s matches [a-z][a-z0-9_]{0,31}: plugin, script and option names. */
int text_is_name(const char *s);

/* 1 when s is a well-formed topic: two or more names joined by dots. */
int text_is_topic(const char *s);

/* The candidate closest to word by edit distance, if close enough to be a
** likely typo; NULL otherwise. */
const char *text_suggest(const char *word, const char *const *candidates, size_t n);

/* strdup that returns NULL for NULL. */
char *text_dup(const char *s);

/* Number of UTF-8 characters (code points) in s. */
size_t text_utf8_length(const char *s);

/* Columns s takes on a terminal: 2 for East Asian wide characters (汉字,
** full-width forms), 1 for the rest. */
size_t text_width(const char *s);

#endif
