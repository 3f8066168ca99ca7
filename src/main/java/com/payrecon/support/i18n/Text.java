package com.payrecon.support.i18n;

import java.io.Serializable;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

import org.springframework.context.MessageSourceResolvable;

/**
 * A sentence for a person, not yet in a language: a message key of {@code messages*.properties} and its arguments.
 * Services say what happened with a {@code Text} (a flash message, a refusal); the console shows it in the reader's
 * language. Arguments are kept as strings, so that an id 1234 is never shown as "1,234" by {@link MessageFormat};
 * a {@code Text} argument is itself translated. {@link #toString()} is the English sentence, for logs and the
 * audit log.
 */
public record Text(String code, Serializable[] args) implements MessageSourceResolvable, Serializable {

	public Text {
		args = args.clone();
	}

	/** {@code args}: strings, numbers, dates (shown with {@code String.valueOf}) or other {@code Text}s. */
	public static Text of(String code, Object... args) {
		return new Text(code, Arrays.stream(args)
			.map(a -> a instanceof Text t ? t : String.valueOf(a))
			.toArray(Serializable[]::new));
	}

	@Override
	public String[] getCodes() {
		return new String[] { code };
	}

	@Override
	public Object[] getArguments() {
		return args.clone();
	}

	@Override
	public String getDefaultMessage() {
		return null;
	}

	/** The English sentence, read from {@code messages.properties} directly (no Spring context needed). */
	public String english() {
		String pattern;
		try {
			pattern = English.BUNDLE.getString(code);
		}
		catch (MissingResourceException ex) {
			return code + Arrays.toString(args);
		}
		Object[] english = Arrays.stream(args).map(a -> a instanceof Text t ? t.english() : a).toArray();
		return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ENGLISH).format(english);
	}

	@Override
	public String toString() {
		return english();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Text t && t.code.equals(code) && Arrays.equals(t.args, args);
	}

	@Override
	public int hashCode() {
		return code.hashCode() * 31 + Arrays.hashCode(args);
	}

	private static final class English {

		static final ResourceBundle BUNDLE = ResourceBundle.getBundle("messages", Locale.ROOT,
				ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
	}
}
