package com.payrecon.console;

import org.springframework.ui.Model;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

/**
 * Links for keyset pagination: the current list with another cursor, host-relative, as the model attributes
 * {@code olderLink} and {@code newestLink} that {@code fragments/pagination :: pager} shows.
 */
public final class PageLinks {

	private PageLinks() {
	}

	/** Adds the pager's links for a page whose next cursor is {@code next} (null on the last page). */
	public static void addTo(Model model, Object next, boolean notFirstPage) {
		model.addAttribute("olderLink", next == null ? null : older(next));
		model.addAttribute("newestLink", notFirstPage ? newest() : null);
	}

	static String older(Object cursor) {
		return relative(ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("before", cursor).build());
	}

	static String newest() {
		return relative(ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("before").build());
	}

	private static String relative(UriComponents uri) {
		return uri.getQuery() == null || uri.getQuery().isEmpty() ? uri.getPath() : uri.getPath() + "?" + uri.getQuery();
	}
}
