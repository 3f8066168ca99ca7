package com.payrecon.console;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

/** Links for keyset pagination ({@code @pageLinks} in templates): the current list with another cursor, host-relative. */
@Component("pageLinks")
public class PageLinks {

	public String older(Object cursor) {
		return relative(ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("before", cursor).build());
	}

	public String newest() {
		return relative(ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("before").build());
	}

	private static String relative(UriComponents uri) {
		return uri.getQuery() == null || uri.getQuery().isEmpty() ? uri.getPath() : uri.getPath() + "?" + uri.getQuery();
	}
}
