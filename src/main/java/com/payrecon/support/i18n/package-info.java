/**
 * Texts for people in their language: {@link com.payrecon.support.i18n.Text} (a message key and its arguments) and
 * {@link com.payrecon.support.i18n.Refusal} (a refusal whose reason is such a text). The console resolves them with
 * the reader's locale; the keys live in {@code messages.properties} and {@code messages_zh_CN.properties}.
 */
@NullMarked
package com.payrecon.support.i18n;

import org.jspecify.annotations.NullMarked;
