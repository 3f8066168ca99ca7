package com.payrecon.support;

/**
 * Text from outside (a provider, a request, a user) in a log line: CR, LF, escape codes and every other control
 * character become {@code ?}, so that nobody can forge a line or hide one (threat case C7). Scans before it copies:
 * the common case, clean text, costs no copy and no regular expression (it runs for every notification).
 */
public final class LogText {

	private LogText() {
	}

	/** {@code text} with each control character (as {@code \p{Cntrl}}: U+0000–U+001F and U+007F) as {@code ?}; null stays null. */
	public static String printable(String text) {
		if (text == null) {
			return null;
		}
		int i = 0;
		while (i < text.length() && !control(text.charAt(i))) {
			i++;
		}
		if (i == text.length()) {
			return text;
		}
		char[] chars = text.toCharArray();
		for (; i < chars.length; i++) {
			if (control(chars[i])) {
				chars[i] = '?';
			}
		}
		return new String(chars);
	}

	private static boolean control(char c) {
		return c < 0x20 || c == 0x7f;
	}
}
