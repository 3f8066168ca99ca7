package com.payrecon.console;

import java.util.Map;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page's layout needs from the request: the header's language links ({@code languageLinks}: the
 * same page in English and in Chinese). Thymeleaf does not let a template build links from the request itself.
 */
@ControllerAdvice(basePackages = { "com.payrecon.console", "com.payrecon.security" })
class ConsoleModelAdvice {

	@ModelAttribute("languageLinks")
	Map<String, String> languageLinks() {
		return Map.of("en", ConsoleText.languageLink("en"), "zh", ConsoleText.languageLink("zh-CN"));
	}
}
