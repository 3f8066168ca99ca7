package com.payrecon.support.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.view.json.JacksonJsonView;

/**
 * Errors (issue 11): the console answers its own pages ({@code templates/error/}; the Whitelabel page is switched
 * off), and everything under {@code /api/**} answers JSON in the API's own shape
 * ({@code {"error": "not_found", "message": "Not Found"}}) whatever the client accepts: a checkout that sends
 * {@code Accept: text/html} used to get an HTML page.
 */
@Configuration(proxyBeanMethods = false)
class ErrorPages {

	@Bean
	BasicErrorController basicErrorController(ErrorAttributes errorAttributes, WebProperties web,
			ObjectProvider<ErrorViewResolver> resolvers) {
		return new PayReconErrorController(errorAttributes, web, resolvers.orderedStream().toList());
	}

	static final class PayReconErrorController extends BasicErrorController {

		PayReconErrorController(ErrorAttributes errorAttributes, WebProperties web, List<ErrorViewResolver> resolvers) {
			super(errorAttributes, web.getError(), resolvers);
		}

		@Override
		public ModelAndView errorHtml(HttpServletRequest request, HttpServletResponse response) {
			if (isApi(request)) {
				HttpStatus status = getStatus(request);
				response.setStatus(status.value());
				return new ModelAndView(new JacksonJsonView(), apiError(status));
			}
			return super.errorHtml(request, response);
		}

		/**
		 * A status without its own page ({@code error/403}, {@code error/404}, …) gets {@code error/error}: Boot's
		 * fallback view name {@code error} names no template of ours, and with the Whitelabel page off it could
		 * render the framework's fallback text (a 400 did).
		 */
		@Override
		protected ModelAndView resolveErrorView(HttpServletRequest request, HttpServletResponse response,
				HttpStatus status, Map<String, Object> model) {
			ModelAndView own = super.resolveErrorView(request, response, status, model);
			return own != null ? own : new ModelAndView("error/error", model, status);
		}

		@Override
		public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
			if (isApi(request)) {
				HttpStatus status = getStatus(request);
				return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(apiError(status));
			}
			return super.error(request);
		}

		private static boolean isApi(HttpServletRequest request) {
			Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
			String path = uri == null ? request.getRequestURI() : uri.toString();
			return path.startsWith(request.getContextPath() + "/api/");
		}

		static Map<String, Object> apiError(HttpStatus status) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", status.name().toLowerCase(Locale.ROOT));
			body.put("message", status.getReasonPhrase());
			return body;
		}
	}
}
