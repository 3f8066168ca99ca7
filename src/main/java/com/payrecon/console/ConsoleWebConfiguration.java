package com.payrecon.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/** {@code ?lang=zh-CN} or {@code ?lang=en} on any console page switches the language (see {@link ConsoleLanguage}). */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		LocaleChangeInterceptor change = new LocaleChangeInterceptor();
		change.setParamName(ConsoleLanguage.PARAMETER);
		change.setIgnoreInvalidLocale(true);
		registry.addInterceptor(change);
	}
}
