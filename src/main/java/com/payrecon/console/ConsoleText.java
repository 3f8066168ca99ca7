package com.payrecon.console;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

/**
 * Texts in the reader's language, used in templates as {@code @text}: a flash message or error that is a
 * {@link com.payrecon.support.i18n.Text} (or any {@link MessageSourceResolvable}) is translated, a plain string is
 * shown as it is; and the header's language links.
 */
@Component("text")
public class ConsoleText {

	private final MessageSource messages;

	public ConsoleText(MessageSource messages) {
		this.messages = messages;
	}

	public String of(Object message) {
		if (message == null) {
			return "";
		}
		if (message instanceof MessageSourceResolvable resolvable) {
			return messages.getMessage(translatedArguments(resolvable), LocaleContextHolder.getLocale());
		}
		return message.toString();
	}

	/** A {@code Text} among the arguments is translated too. */
	private MessageSourceResolvable translatedArguments(MessageSourceResolvable r) {
		Object[] args = r.getArguments();
		if (args == null) {
			return r;
		}
		Object[] shown = new Object[args.length];
		for (int i = 0; i < args.length; i++) {
			shown[i] = args[i] instanceof MessageSourceResolvable inner ? of(inner) : args[i];
		}
		return new org.springframework.context.support.DefaultMessageSourceResolvable(r.getCodes(), shown,
				r.getDefaultMessage());
	}

	/** The current page in another language: the same path and query with {@code lang} set. */
	public static String languageLink(String tag) {
		if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
			return "?" + ConsoleLanguage.PARAMETER + "=" + tag;
		}
		HttpServletRequest request = attributes.getRequest();
		if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) != null || !"GET".equals(request.getMethod())) {
			// an error page or the answer to a form: the address bar shows another request; query-only link
			return "?" + ConsoleLanguage.PARAMETER + "=" + tag;
		}
		UriComponents uri = ServletUriComponentsBuilder.fromRequest(request)
			.replaceQueryParam(ConsoleLanguage.PARAMETER, tag)
			.build();
		return uri.getPath() + "?" + uri.getQuery();
	}
}
