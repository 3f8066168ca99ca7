package com.payrecon.console;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code ?lang=zh-CN} or {@code ?lang=en} on any console page switches the language (see {@link ConsoleLanguage}).
 * Only GET requests are looked at, and only their query string: asking a form POST for a parameter would read its
 * body, which the notify endpoints must store byte for byte before anything parses it (an Alipay notification is a
 * form). Spring's LocaleChangeInterceptor asks every request, so it is not used.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

	private final ConsoleLanguage language;

	ConsoleWebConfiguration(ConsoleLanguage language) {
		this.language = language;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new LanguageSwitch(language)).excludePathPatterns("/notify/**", "/api/**", "/sandbox/**");
	}

	static final class LanguageSwitch implements HandlerInterceptor {

		private final ConsoleLanguage language;

		LanguageSwitch(ConsoleLanguage language) {
			this.language = language;
		}

		@Override
		public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
			if (!"GET".equals(request.getMethod()) || request.getQueryString() == null
					|| !request.getQueryString().contains(ConsoleLanguage.PARAMETER + "=")) {
				return true;
			}
			String tag = request.getParameter(ConsoleLanguage.PARAMETER);
			if (tag != null && tag.matches("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")) {
				language.setLocale(request, response, Locale.forLanguageTag(tag.replace('_', '-')));
			}
			return true;
		}
	}
}
