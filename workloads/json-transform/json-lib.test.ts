// The project's JSON libraries for Lua (workloads/lib/json.lua) and C
// (workloads/lib/json.h), run through the lua and wasm runtimes with a small
// test filter each (test-fixtures/json-lib/filter.{lua,c}; the .wasm is built
// by `npm run build:wasm`), against published test vectors:
//
//  - the examples of RFC 8259 §13 (and the small texts of §2);
//  - a selection of JSONTestSuite (github.com/nst/JSONTestSuite, MIT), by file
//    name: y_ cases must parse, n_ cases must be rejected, and some i_ cases
//    (implementation-defined) pinned to this project's choice.
//
// Expected outputs are written by hand, and cross-checked against V8's
// JSON.stringify(JSON.parse(text)), whose bytes the libraries promise to match.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance, Runtime } from '../../runtimes/abi/types.ts';
import lua from '../../runtimes/lua/adapter.ts';
import wasm from '../../runtimes/wasm/adapter.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(HERE, 'test-fixtures/json-lib');
const utf8 = new TextEncoder();

type Input = string | number[];
const bytesOf = (input: Input) => (typeof input === 'string' ? utf8.encode(input) : Uint8Array.from(input));
/** Bytes of a text with `\xNN` written for raw bytes (as JSONTestSuite's own listing shows them). */
const hexBytes = (text: string): number[] => {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(...utf8.encode(text[i]!));
  }
  return out;
};

// ---------------------------------------------------------------------------
// Accepted: [name, input text, expected output]. Inputs are String.raw, so a
// backslash is a JSON escape; expected outputs are ordinary JS strings.

const RFC8259: Array<[string, Input, string]> = [
  [
    'RFC 8259 §13 example 1 (object)',
    `{
        "Image": {
            "Width":  800,
            "Height": 600,
            "Title":  "View from 15th Floor",
            "Thumbnail": {
                "Url":    "http://www.example.com/image/481989943",
                "Height": 125,
                "Width":  100
            },
            "Animated" : false,
            "IDs": [116, 943, 234, 38793]
          }
      }`,
    '{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor","Thumbnail":{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},"Animated":false,"IDs":[116,943,234,38793]}}',
  ],
  [
    'RFC 8259 §13 example 2 (array)',
    `[
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ]`,
    '[{"precision":"zip","Latitude":37.7668,"Longitude":-122.3959,"Address":"","City":"SAN FRANCISCO","State":"CA","Zip":"94107","Country":"US"},' +
      '{"precision":"zip","Latitude":37.371991,"Longitude":-122.02602,"Address":"","City":"SUNNYVALE","State":"CA","Zip":"94085","Country":"US"}]',
  ],
  ['RFC 8259 §2 "Hello world!"', '"Hello world!"', '"Hello world!"'],
  ['RFC 8259 §2 42', '42', '42'],
  ['RFC 8259 §2 true', 'true', 'true'],
];

const ACCEPT: Array<[string, Input, string]> = [
  ['y_array_arraysWithSpaces', '[[]   ]', '[[]]'],
  ['y_array_empty', '[]', '[]'],
  ['y_array_empty-string', '[""]', '[""]'],
  ['y_array_false', '[false]', '[false]'],
  ['y_array_heterogeneous', '[null, 1, "1", {}]', '[null,1,"1",{}]'],
  ['y_array_null', '[null]', '[null]'],
  ['y_array_with_1_and_newline', '[1\n]', '[1]'],
  ['y_array_with_leading_space', ' [1]', '[1]'],
  ['y_array_with_several_null', '[1,null,null,null,2]', '[1,null,null,null,2]'],
  ['y_array_with_trailing_space', '[2] ', '[2]'],
  ['y_number', '[123e65]', '[1.23e+67]'],
  ['y_number_0e+1', '[0e+1]', '[0]'],
  ['y_number_0e1', '[0e1]', '[0]'],
  ['y_number_after_space', '[ 4]', '[4]'],
  ['y_number_double_close_to_zero', '[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]', '[-1e-78]'],
  ['y_number_int_with_exp', '[20e1]', '[200]'],
  ['y_number_minus_zero', '[-0]', '[0]'],
  ['y_number_negative_int', '[-123]', '[-123]'],
  ['y_number_negative_one', '[-1]', '[-1]'],
  ['y_number_negative_zero', '[-0]', '[0]'],
  ['y_number_real_capital_e', '[1E22]', '[1e+22]'],
  ['y_number_real_capital_e_neg_exp', '[1E-2]', '[0.01]'],
  ['y_number_real_capital_e_pos_exp', '[1E+2]', '[100]'],
  ['y_number_real_exponent', '[123e45]', '[1.23e+47]'],
  ['y_number_real_fraction_exponent', '[123.456e78]', '[1.23456e+80]'],
  ['y_number_real_neg_exp', '[1e-2]', '[0.01]'],
  ['y_number_real_pos_exponent', '[1e+2]', '[100]'],
  ['y_number_simple_int', '[123]', '[123]'],
  ['y_number_simple_real', '[123.456789]', '[123.456789]'],
  ['y_object', '{"asd":"sdf", "dfg":"fgh"}', '{"asd":"sdf","dfg":"fgh"}'],
  ['y_object_basic', '{"asd":"sdf"}', '{"asd":"sdf"}'],
  ['y_object_duplicated_key', '{"a":"b","a":"c"}', '{"a":"c"}'],
  ['y_object_duplicated_key_and_value', '{"a":"b","a":"b"}', '{"a":"b"}'],
  ['y_object_empty', '{}', '{}'],
  ['y_object_empty_key', '{"":0}', '{"":0}'],
  ['y_object_escaped_null_in_key', String.raw`{"foo\u0000bar": 42}`, String.raw`{"foo\u0000bar":42}`],
  ['y_object_extreme_numbers', '{ "min": -1.0e+28, "max": 1.0e+28 }', '{"min":-1e+28,"max":1e+28}'],
  [
    'y_object_long_strings',
    '{"x":[{"id": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}], "id": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}',
    '{"x":[{"id":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}],"id":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}',
  ],
  ['y_object_simple', '{"a":[]}', '{"a":[]}'],
  [
    'y_object_string_unicode',
    String.raw`{"title":"\u041f\u043e\u043b\u0442\u043e\u0440\u0430 \u0417\u0435\u043c\u043b\u0435\u043a\u043e\u043f\u0430" }`,
    '{"title":"Полтора Землекопа"}',
  ],
  ['y_object_with_newlines', '{\n"a": "b"\n}', '{"a":"b"}'],
  ['y_string_1_2_3_bytes_UTF-8_sequences', String.raw`["\u0060\u012a\u12AB"]`, '["`\u012a\u12ab"]'],
  ['y_string_accepted_surrogate_pair', String.raw`["\uD801\udc37"]`, '["\u{10437}"]'],
  ['y_string_accepted_surrogate_pairs', String.raw`["\ud83d\ude39\ud83d\udc8d"]`, '["😹💍"]'],
  ['y_string_allowed_escapes', String.raw`["\"\\\/\b\f\n\r\t"]`, String.raw`["\"\\/\b\f\n\r\t"]`],
  ['y_string_backslash_and_u_escaped_zero', String.raw`["\\u0000"]`, String.raw`["\\u0000"]`],
  ['y_string_backslash_doublequotes', String.raw`["\""]`, String.raw`["\""]`],
  ['y_string_comments', '["a/*b*/c/*d//e"]', '["a/*b*/c/*d//e"]'],
  ['y_string_double_escape_a', String.raw`["\\a"]`, String.raw`["\\a"]`],
  ['y_string_double_escape_n', String.raw`["\\n"]`, String.raw`["\\n"]`],
  ['y_string_escaped_control_character', String.raw`["\u0012"]`, String.raw`["\u0012"]`],
  ['y_string_escaped_noncharacter', String.raw`["\uFFFF"]`, '["\uffff"]'],
  ['y_string_in_array', '["asd"]', '["asd"]'],
  ['y_string_in_array_with_leading_space', '[ "asd"]', '["asd"]'],
  ['y_string_last_surrogates_1_and_2', String.raw`["\uDBFF\uDFFF"]`, '["\u{10ffff}"]'],
  ['y_string_nbsp_uescaped', String.raw`["new\u00A0line"]`, '["new\u00a0line"]'],
  ['y_string_nonCharacterInUTF-8_U+10FFFF', hexBytes('["\\xf4\\x8f\\xbf\\xbf"]'), '["\u{10ffff}"]'],
  ['y_string_nonCharacterInUTF-8_U+FFFF', hexBytes('["\\xef\\xbf\\xbf"]'), '["\uffff"]'],
  ['y_string_null_escape', String.raw`["\u0000"]`, String.raw`["\u0000"]`],
  ['y_string_one-byte-utf-8', String.raw`["\u002c"]`, '[","]'],
  ['y_string_pi', '["π"]', '["π"]'],
  ['y_string_reservedCharacterInUTF-8_U+1BFFF', hexBytes('["\\xf0\\x9b\\xbf\\xbf"]'), '["\u{1bfff}"]'],
  ['y_string_simple_ascii', '["asd "]', '["asd "]'],
  ['y_string_space', '" "', '" "'],
  ['y_string_surrogates_U+1D11E_MUSICAL_SYMBOL_G_CLEF', String.raw`["\uD834\uDd1e"]`, '["\u{1d11e}"]'],
  ['y_string_three-byte-utf-8', String.raw`["\u0821"]`, '["\u0821"]'],
  ['y_string_two-byte-utf-8', String.raw`["\u0123"]`, '["\u0123"]'],
  ['y_string_u+2028_line_sep', '["\u2028"]', '["\u2028"]'],
  ['y_string_u+2029_par_sep', '["\u2029"]', '["\u2029"]'],
  ['y_string_uEscape', String.raw`["\u0061\u30af\u30EA\u30b9"]`, '["aクリス"]'],
  ['y_string_uescaped_newline', String.raw`["new\u000Aline"]`, String.raw`["new\nline"]`],
  ['y_string_unescaped_char_delete', '["\x7f"]', '["\x7f"]'],
  ['y_string_unicode', String.raw`["\uA66D"]`, '["\ua66d"]'],
  ['y_string_unicodeEscapedBackslash', String.raw`["\u005C"]`, String.raw`["\\"]`],
  ['y_string_unicode_2', '["⍂㈴⍂"]', '["⍂㈴⍂"]'],
  ['y_string_unicode_U+10FFFE_nonchar', String.raw`["\uDBFF\uDFFE"]`, '["\u{10fffe}"]'],
  ['y_string_unicode_U+1FFFE_nonchar', String.raw`["\uD83F\uDFFE"]`, '["\u{1fffe}"]'],
  ['y_string_unicode_U+200B_ZERO_WIDTH_SPACE', String.raw`["\u200B"]`, '["\u200b"]'],
  ['y_string_unicode_U+2064_invisible_plus', String.raw`["\u2064"]`, '["\u2064"]'],
  ['y_string_unicode_U+FDD0_nonchar', String.raw`["\uFDD0"]`, '["\ufdd0"]'],
  ['y_string_unicode_U+FFFE_nonchar', String.raw`["\uFFFE"]`, '["\ufffe"]'],
  ['y_string_unicode_escaped_double_quote', String.raw`["\u0022"]`, String.raw`["\""]`],
  ['y_string_utf8', '["€𝄞"]', '["€𝄞"]'],
  ['y_string_with_del_character', '["a\x7fa"]', '["a\x7fa"]'],
  ['y_structure_lonely_false', 'false', 'false'],
  ['y_structure_lonely_int', '42', '42'],
  ['y_structure_lonely_negative_real', '-0.1', '-0.1'],
  ['y_structure_lonely_null', 'null', 'null'],
  ['y_structure_lonely_string', '"asd"', '"asd"'],
  ['y_structure_lonely_true', 'true', 'true'],
  ['y_structure_string_empty', '""', '""'],
  ['y_structure_trailing_newline', '["a"]\n', '["a"]'],
  ['y_structure_true_in_array', '[true]', '[true]'],
  ['y_structure_whitespace_array', ' [] ', '[]'],
  // i_ cases (implementation-defined): accepted as JSON.parse accepts them.
  ['i_string_1st_surrogate_but_2nd_missing', String.raw`["\uDADA"]`, String.raw`["\udada"]`],
  ['i_string_1st_valid_surrogate_2nd_invalid', String.raw`["\uD888\u1234"]`, String.raw`["\ud888` + '\u1234"]'],
  ['i_string_incomplete_surrogate_and_escape_valid', String.raw`["\uD800\n"]`, String.raw`["\ud800\n"]`],
  ['i_string_incomplete_surrogates_escape_valid', String.raw`["\uD800\uD800\n"]`, String.raw`["\ud800\ud800\n"]`],
  ['i_string_inverted_surrogates_U+1D11E', String.raw`["\uDd1e\uD834"]`, String.raw`["\udd1e\ud834"]`],
  ['i_string_lone_second_surrogate', String.raw`["\uDFAA"]`, String.raw`["\udfaa"]`],
  ['i_number_real_pos_overflow', '[123123e100000]', '[null]'],
  ['i_number_real_neg_overflow', '[-123123e100000]', '[null]'],
  ['i_number_real_underflow', '[123e-10000000]', '[0]'],
  ['i_number_too_big_pos_int', '[100000000000000000000]', '[100000000000000000000]'],
  ['i_number_too_big_neg_int', '[-123123123123123123123123123123]', '[-1.2312312312312312e+29]'],
  ['i_number_very_big_negative_int', '[-237462374673276894279832749832423479823246327846]', '[-2.374623746732769e+47]'],
];

// This project's own cases: serialisation rules (README of json-transform).
const OWN: Array<[string, Input, string]> = [
  [
    'escapes: only " \\ and C0 controls, short forms for \\b \\t \\n \\f \\r, lower-case hex',
    String.raw`["\u0000\u0001\u0008\u0009\u000a\u000b\u000c\u000d\u001f\u0020\/\u007f\u0080\u00e9\u2028\uFEFF"]`,
    String.raw`["\u0000\u0001\b\t\n\u000b\f\r\u001f /` + '\x7f\x80é\u2028\ufeff"]',
  ],
  ['keys are escaped like values', String.raw`{"a\"b\u0001":1,"é":2}`, String.raw`{"a\"b\u0001":1,"é":2}`],
  ['a repeated key keeps its first position', '{"a":1,"b":2,"a":3}', '{"a":3,"b":2}'],
  [
    'numbers: shortest round trip, ECMAScript layout',
    '[0.1, 1.5, 100, 1e21, 1e20, 123456789012345678, 0.000001, 1e-7, 1.5e-7, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 9007199254740993, 4.35, 0.3, -2.5e-10]',
    '[0.1,1.5,100,1e+21,100000000000000000000,123456789012345680,0.000001,1e-7,1.5e-7,5e-324,1.7976931348623157e+308,2.2250738585072014e-308,9007199254740992,4.35,0.3,-2.5e-10]',
  ],
  [
    'numbers: powers of two where the nearer of two shortest candidates wins',
    '[7.120236347223045e-307, 7.291122019556398e-304, 8.209073602596753e-289, 5.858190679279809e-244]',
    '[7.120236347223045e-307,7.291122019556398e-304,8.209073602596753e-289,5.858190679279809e-244]',
  ],
  ['256 levels of nesting are accepted', '['.repeat(256) + ']'.repeat(256), '['.repeat(256) + ']'.repeat(256)],
];

const REJECT: Array<[string, Input]> = [
  ['n_array_1_true_without_comma', '[1 true]'],
  ['n_array_a_invalid_utf8', hexBytes('[a\\xe5]')],
  ['n_array_colon_instead_of_comma', '["": 1]'],
  ['n_array_comma_after_close', '[""],'],
  ['n_array_comma_and_number', '[,1]'],
  ['n_array_double_comma', '[1,,2]'],
  ['n_array_double_extra_comma', '["x",,]'],
  ['n_array_extra_close', '["x"]]'],
  ['n_array_extra_comma', '["",]'],
  ['n_array_incomplete', '["x"'],
  ['n_array_incomplete_invalid_value', '[x'],
  ['n_array_inner_array_no_comma', '[3[4]]'],
  ['n_array_invalid_utf8', hexBytes('[\\xff]')],
  ['n_array_items_separated_by_semicolon', '[1:2]'],
  ['n_array_just_comma', '[,]'],
  ['n_array_just_minus', '[-]'],
  ['n_array_missing_value', '[   , ""]'],
  ['n_array_newlines_unclosed', '["a",\n4\n,1,'],
  ['n_array_number_and_comma', '[1,]'],
  ['n_array_number_and_several_commas', '[1,,]'],
  ['n_array_star_inside', '[*]'],
  ['n_array_unclosed', '[""'],
  ['n_array_unclosed_trailing_comma', '[1,'],
  ['n_array_unclosed_with_new_lines', '[1,\n1\n,1'],
  ['n_array_unclosed_with_object_inside', '[{}'],
  ['n_incomplete_false', '[fals]'],
  ['n_incomplete_null', '[nul]'],
  ['n_incomplete_true', '[tru]'],
  ['n_multidigit_number_then_00', hexBytes('123\\x00')],
  ['n_number_++', '[++1234]'],
  ['n_number_+1', '[+1]'],
  ['n_number_+Inf', '[+Inf]'],
  ['n_number_-01', '[-01]'],
  ['n_number_-1.0.', '[-1.0.]'],
  ['n_number_-2.', '[-2.]'],
  ['n_number_-NaN', '[-NaN]'],
  ['n_number_.-1', '[.-1]'],
  ['n_number_.2e-3', '[.2e-3]'],
  ['n_number_0.1.2', '[0.1.2]'],
  ['n_number_0.3e+', '[0.3e+]'],
  ['n_number_0.3e', '[0.3e]'],
  ['n_number_0.e1', '[0.e1]'],
  ['n_number_0_capital_E+', '[0E+]'],
  ['n_number_0_capital_E', '[0E]'],
  ['n_number_0e+', '[0e+]'],
  ['n_number_0e', '[0e]'],
  ['n_number_1.0e+', '[1.0e+]'],
  ['n_number_1.0e-', '[1.0e-]'],
  ['n_number_1.0e', '[1.0e]'],
  ['n_number_1_000', '[1 000.0]'],
  ['n_number_1eE2', '[1eE2]'],
  ['n_number_2.e+3', '[2.e+3]'],
  ['n_number_2.e-3', '[2.e-3]'],
  ['n_number_2.e3', '[2.e3]'],
  ['n_number_9.e+', '[9.e+]'],
  ['n_number_Inf', '[Inf]'],
  ['n_number_NaN', '[NaN]'],
  ['n_number_U+FF11_fullwidth_digit_one', '[１]'],
  ['n_number_expression', '[1+2]'],
  ['n_number_hex_1_digit', '[0x1]'],
  ['n_number_hex_2_digits', '[0x42]'],
  ['n_number_infinity', '[Infinity]'],
  ['n_number_invalid+-', '[0e+-1]'],
  ['n_number_invalid-negative-real', '[-123.123foo]'],
  ['n_number_minus_infinity', '[-Infinity]'],
  ['n_number_minus_sign_with_trailing_garbage', '[-foo]'],
  ['n_number_minus_space_1', '[- 1]'],
  ['n_number_neg_int_starting_with_zero', '[-012]'],
  ['n_number_neg_real_without_int_part', '[-.123]'],
  ['n_number_neg_with_garbage_at_end', '[-1x]'],
  ['n_number_real_garbage_after_e', '[1ea]'],
  ['n_number_real_without_fractional_part', '[1.]'],
  ['n_number_starting_with_dot', '[.123]'],
  ['n_number_with_alpha', '[1.2a-3]'],
  ['n_number_with_alpha_char', '[1.8011670033376514H-308]'],
  ['n_number_with_leading_zero', '[012]'],
  ['n_object_bad_value', '["x", truth]'],
  ['n_object_bracket_key', '{[: "x"}\n'],
  ['n_object_comma_instead_of_colon', '{"x", null}'],
  ['n_object_double_colon', '{"x"::"b"}'],
  ['n_object_emoji', '{🇨🇭}'],
  ['n_object_garbage_at_end', '{"a":"a" 123}'],
  ['n_object_key_with_single_quotes', "{key: 'value'}"],
  ['n_object_missing_colon', '{"a" b}'],
  ['n_object_missing_key', '{:"b"}'],
  ['n_object_missing_semicolon', '{"a" "b"}'],
  ['n_object_missing_value', '{"a":'],
  ['n_object_no-colon', '{"a"'],
  ['n_object_non_string_key', '{1:1}'],
  ['n_object_non_string_key_but_huge_number_instead', '{9999E9999:1}'],
  ['n_object_repeated_null_null', '{null:null,null:null}'],
  ['n_object_several_trailing_commas', '{"id":0,,,,,}'],
  ['n_object_single_quote', "{'a':0}"],
  ['n_object_trailing_comma', '{"id":0,}'],
  ['n_object_trailing_comment', '{"a":"b"}/**/'],
  ['n_object_trailing_comment_open', '{"a":"b"}/**//'],
  ['n_object_trailing_comment_slash_open', '{"a":"b"}//'],
  ['n_object_trailing_comment_slash_open_incomplete', '{"a":"b"}/'],
  ['n_object_two_commas_in_a_row', '{"a":"b",,"c":"d"}'],
  ['n_object_unquoted_key', '{a: "b"}'],
  ['n_object_unterminated-value', '{"a":"a'],
  ['n_object_with_single_string', '{ "foo" : "bar", "a" }'],
  ['n_object_with_trailing_garbage', '{"a":"b"}#'],
  ['n_single_space', ' '],
  ['n_string_1_surrogate_then_escape', String.raw`["\uD800\"]`],
  ['n_string_1_surrogate_then_escape_u', String.raw`["\uD800\u"]`],
  ['n_string_1_surrogate_then_escape_u1', String.raw`["\uD800\u1"]`],
  ['n_string_1_surrogate_then_escape_u1x', String.raw`["\uD800\u1x"]`],
  ['n_string_accentuated_char_no_quotes', '[é]'],
  ['n_string_backslash_00', hexBytes('["\\\\x00"]')],
  ['n_string_escape_x', String.raw`["\x00"]`],
  ['n_string_escaped_backslash_bad', String.raw`["\\\"]`],
  ['n_string_escaped_ctrl_char_tab', '["\\\t"]'],
  ['n_string_escaped_emoji', '["\\🌀"]'],
  ['n_string_incomplete_escape', String.raw`["\"]`],
  ['n_string_incomplete_escaped_character', String.raw`["\u00A"]`],
  ['n_string_incomplete_surrogate', String.raw`["\uD834\uDd"]`],
  ['n_string_incomplete_surrogate_escape_invalid', String.raw`["\uD800\uD800\x"]`],
  ['n_string_invalid-utf-8-in-escape', hexBytes('["\\u\\xe5"]')],
  ['n_string_invalid_backslash_esc', String.raw`["\a"]`],
  ['n_string_invalid_unicode_escape', String.raw`["\uqqqq"]`],
  ['n_string_invalid_utf8_after_escape', hexBytes('["\\\\xe5"]')],
  ['n_string_leading_uescaped_thinspace', String.raw`[\u0020"asd"]`],
  ['n_string_no_quotes_with_bad_escape', String.raw`[\n]`],
  ['n_string_single_doublequote', '"'],
  ['n_string_single_quote', "['single quote']"],
  ['n_string_single_string_no_double_quotes', 'abc'],
  ['n_string_start_escape_unclosed', '["\\'],
  ['n_string_unescaped_ctrl_char', hexBytes('["a\\x00a"]')],
  ['n_string_unescaped_newline', '["new\nline"]'],
  ['n_string_unescaped_tab', '["\t"]'],
  ['n_string_unicode_CapitalU', String.raw`"\UA66D"`],
  ['n_string_with_trailing_garbage', '""x'],
  ['n_structure_100000_opening_arrays', '['.repeat(100000)],
  ['n_structure_angle_bracket_.', '<.>'],
  ['n_structure_angle_bracket_null', '[<null>]'],
  ['n_structure_array_trailing_garbage', '[1]x'],
  ['n_structure_array_with_extra_array_close', '[1]]'],
  ['n_structure_array_with_unclosed_string', '["asd]'],
  ['n_structure_ascii-unicode-identifier', 'aå'],
  ['n_structure_capitalized_True', '[True]'],
  ['n_structure_close_unopened_array', '1]'],
  ['n_structure_comma_instead_of_closing_brace', '{"x": true,'],
  ['n_structure_double_array', '[][]'],
  ['n_structure_end_array', ']'],
  ['n_structure_incomplete_UTF8_BOM', hexBytes('\\xef\\xbb{}')],
  ['n_structure_lone-invalid-utf-8', hexBytes('\\xe5')],
  ['n_structure_lone-open-bracket', '['],
  ['n_structure_no_data', ''],
  ['n_structure_null-byte-outside-string', hexBytes('[\\x00]')],
  ['n_structure_number_with_trailing_garbage', '2@'],
  ['n_structure_object_followed_by_closing_object', '{}}'],
  ['n_structure_object_unclosed_no_value', '{"":'],
  ['n_structure_object_with_comment', '{"a":/*comment*/"b"}'],
  ['n_structure_object_with_trailing_garbage', '{"a": true} "x"'],
  ['n_structure_open_array_apostrophe', "['"],
  ['n_structure_open_array_comma', '[,'],
  ['n_structure_open_array_open_object', '[{'],
  ['n_structure_open_array_open_string', '["a'],
  ['n_structure_open_array_string', '["a"'],
  ['n_structure_open_object', '{'],
  ['n_structure_open_object_close_array', '{]'],
  ['n_structure_open_object_comma', '{,'],
  ['n_structure_open_object_open_array', '{['],
  ['n_structure_open_object_open_string', '{"a'],
  ['n_structure_open_object_string_with_apostrophes', "{'a'"],
  ['n_structure_single_star', '*'],
  ['n_structure_trailing_#', '{"a":"b"}#{}'],
  ['n_structure_U+2060_word_joined', '[\u2060]'],
  ['n_structure_uescaped_LF_before_string', String.raw`[\u000A""]`],
  ['n_structure_unclosed_array', '[1'],
  ['n_structure_unclosed_array_partial_null', '[ false, nul'],
  ['n_structure_unclosed_array_unfinished_false', '[ true, fals'],
  ['n_structure_unclosed_array_unfinished_true', '[ false, tru'],
  ['n_structure_unclosed_object', '{"asd":"asd"'],
  ['n_structure_unicode-identifier', 'å'],
  ['n_structure_UTF8_BOM_no_data', hexBytes('\\xef\\xbb\\xbf')],
  ['n_structure_whitespace_formfeed', '[\f]'],
  ['n_structure_whitespace_U+2060_word_joiner', '[\u2060]'],
  // i_ cases (implementation-defined) that this project refuses: the text must be UTF-8.
  ['i_string_UTF-16LE_with_BOM', [0xff, 0xfe, 0x5b, 0x00, 0x22, 0x00, 0xe9, 0x00, 0x22, 0x00, 0x5d, 0x00]],
  ['i_string_UTF-8_invalid_sequence', hexBytes('["日ш\\xfa"]')],
  ['i_string_UTF8_surrogate_U+D800', hexBytes('["\\xed\\xa0\\x80"]')],
  ['i_string_invalid_utf-8', hexBytes('["\\xff"]')],
  ['i_string_lone_utf8_continuation_byte', hexBytes('["\\x81"]')],
  ['i_string_not_in_unicode_range', hexBytes('["\\xf4\\xbf\\xbf\\xbf"]')],
  ['i_string_overlong_sequence_2_bytes', hexBytes('["\\xc0\\xaf"]')],
  ['i_string_overlong_sequence_6_bytes', hexBytes('["\\xfc\\x83\\xbf\\xbf\\xbf\\xbf"]')],
  ['i_string_truncated-utf-8', hexBytes('["\\xe0\\xff"]')],
  ['i_structure_UTF-8_BOM_empty_object', hexBytes('\\xef\\xbb\\xbf{}')],
  // ... and refuses by its depth limit (JSON.parse takes it).
  ['257 levels of nesting (limit 256; cf. i_structure_500_nested_arrays)', '['.repeat(257) + ']'.repeat(257)],
];

const EDIT: [string, string] = [
  '{"keep":1,"drop":2,"replace":"old","x":{"drop":3}}',
  '{"keep":1,"replace":1,"x":{"drop":3},"added":[null,"x"]}',
];

// ---------------------------------------------------------------------------

describe('the expected outputs', () => {
  test('equal V8 JSON.stringify(JSON.parse(text)) wherever V8 accepts the text', () => {
    for (const [name, input, expected] of [...RFC8259, ...ACCEPT, ...OWN]) {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytesOf(input));
      assert.equal(JSON.stringify(JSON.parse(text)), expected, name);
    }
  });
  test('the rejected texts are rejected by V8 too (except the UTF-8 and depth rules)', () => {
    for (const [name, input] of REJECT) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytesOf(input));
      } catch {
        continue; // not UTF-8
      }
      if (name.startsWith('257 levels')) continue;
      assert.throws(() => JSON.parse(text), SyntaxError, name);
    }
  });
});

function libraryTests(runtime: Runtime, file: string) {
  describe(`${file.split('/').pop()} (${runtime.name})`, () => {
    let instance: FilterInstance;
    before(async () => {
      instance = await (await runtime.load(join(FIXTURE, file))).instantiate('{}', new Deployment().host);
    });
    after(() => instance?.dispose());

    const run = (input: Input, path = '/roundtrip') => {
      const ctx = new RequestContext();
      ctx.reset(prepareRequest({ method: 'POST', path, headers: [['host', 'test']], body: bytesOf(input) }));
      const result = instance.handle(ctx);
      assert.equal(typeof result, 'string');
      return ctx.outcome(result as string);
    };
    const text = (b: Uint8Array) => new TextDecoder().decode(b);

    test('RFC 8259 examples', () => {
      for (const [name, input, expected] of RFC8259) {
        const out = run(input);
        assert.equal(out.result, '', `${name}: ${out.response ? text(out.response.body) : ''}`);
        assert.equal(text(out.body), expected, name);
      }
    });
    test('JSONTestSuite y_ (and accepted i_) cases parse and serialise as JSON.stringify does', () => {
      for (const [name, input, expected] of ACCEPT) {
        const out = run(input);
        assert.equal(out.result, '', `${name}: ${out.response ? text(out.response.body) : ''}`);
        assert.deepEqual(out.body, utf8.encode(expected), `${name}: got ${JSON.stringify(text(out.body))}`);
      }
    });
    test('serialisation rules: escapes, repeated keys, numbers, depth', () => {
      for (const [name, input, expected] of OWN) {
        const out = run(input);
        assert.equal(out.result, '', `${name}: ${out.response ? text(out.response.body) : ''}`);
        assert.equal(text(out.body), expected, name);
      }
    });
    test('JSONTestSuite n_ (and refused i_) cases are rejected', () => {
      for (const [name, input] of REJECT) {
        const out = run(input);
        assert.equal(out.result, 'invalid', `${name} must be rejected, got ${JSON.stringify(text(out.body))}`);
        assert.equal(out.response?.status, 400);
        assert.match(text(out.response!.body), / at byte \d+$/);
      }
    });
    test('object editing: remove keeps order, set replaces in place or appends', () => {
      const out = run(EDIT[0], '/edit');
      assert.equal(out.result, '');
      assert.equal(text(out.body), EDIT[1]);
    });
  });
}

libraryTests(lua, 'filter.lua');
libraryTests(wasm, 'filter.wasm');
