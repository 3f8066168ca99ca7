package com.payrecon.console;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.payrecon.security.ConsoleUserDetails;
import com.payrecon.security.UserLanguages;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;

/**
 * The console's language: English or Simplified Chinese. In this order: the signed-in user's own choice (remembered
 * in {@code console_user.locale}), the choice made on this browser (cookie {@code payrecon-lang}, so the login page
 * keeps it too), the browser's {@code Accept-Language} (any Chinese → Simplified Chinese), else English. Choosing
 * ({@code ?lang=zh-CN} or {@code ?lang=en} on any page, the header's switch) sets the cookie and, for a signed-in
 * user, remembers it for them.
 */
@Component("localeResolver")
public class ConsoleLanguage implements LocaleResolver {

	public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);
	static final String COOKIE = "payrecon-lang";
	static final String PARAMETER = "lang";
	private static final String CHOSEN_NOW = ConsoleLanguage.class.getName() + ".CHOSEN_NOW";
	private static final String USER_CHOICE = ConsoleLanguage.class.getName() + ".USER_CHOICE";

	/** What the session knows of a user's stored choice (read once per session and user). */
	private record UserChoice(String login, Locale locale) implements java.io.Serializable {
	}

	private final UserLanguages languages;

	ConsoleLanguage(UserLanguages languages) {
		this.languages = languages;
	}

	/** The supported language for a tag or locale: any Chinese is Simplified Chinese, anything else English. */
	public static Locale supported(Locale locale) {
		return locale != null && "zh".equals(locale.getLanguage()) ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
	}

	@Override
	public Locale resolveLocale(HttpServletRequest request) {
		if (request.getAttribute(CHOSEN_NOW) instanceof Locale now) {
			return now;
		}
		Optional<Locale> users = userChoice(request);
		if (users.isPresent()) {
			return users.get();
		}
		if (request.getCookies() != null) {
			for (Cookie c : request.getCookies()) {
				if (COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isBlank()) {
					return supported(Locale.forLanguageTag(c.getValue()));
				}
			}
		}
		for (Locale accepted : Collections.list(request.getLocales())) {
			if ("zh".equals(accepted.getLanguage()) || "en".equals(accepted.getLanguage())) {
				return supported(accepted);
			}
		}
		return Locale.ENGLISH;
	}

	@Override
	public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
		Locale chosen = supported(locale);
		request.setAttribute(CHOSEN_NOW, chosen);
		Cookie cookie = new Cookie(COOKIE, chosen.toLanguageTag());
		cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
		cookie.setMaxAge((int) Duration.ofDays(365).toSeconds());
		cookie.setHttpOnly(true);
		cookie.setAttribute("SameSite", "Lax");
		response.addCookie(cookie);
		String login = signedIn();
		if (login != null) {
			languages.remember(login, chosen.toLanguageTag());
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.setAttribute(USER_CHOICE, new UserChoice(login, chosen));
			}
		}
	}

	private Optional<Locale> userChoice(HttpServletRequest request) {
		String login = signedIn();
		HttpSession session = request.getSession(false);
		if (login == null || session == null) {
			return Optional.empty();
		}
		if (session.getAttribute(USER_CHOICE) instanceof UserChoice known && known.login().equals(login)) {
			return Optional.ofNullable(known.locale());
		}
		Locale stored = languages.of(login).map(tag -> supported(Locale.forLanguageTag(tag))).orElse(null);
		session.setAttribute(USER_CHOICE, new UserChoice(login, stored));
		return Optional.ofNullable(stored);
	}

	private static String signedIn() {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		return auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof ConsoleUserDetails user
				? user.getUsername() : null;
	}
}
