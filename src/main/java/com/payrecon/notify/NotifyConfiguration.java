package com.payrecon.notify;

import java.util.EnumSet;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The notify URLs' body reader with its total deadline ({@link NotifyBodyFilter}), ahead of everything else, and
 * the endpoint that answers plain notifications from it ({@link NotifyEndpoint}).
 */
@Configuration(proxyBeanMethods = false)
class NotifyConfiguration {

	@Bean
	FilterRegistrationBean<NotifyBodyFilter> notifyBodyFilter(NotifyProperties properties, MeterRegistry meters,
			NotificationIntake intake) {
		FilterRegistrationBean<NotifyBodyFilter> registration = new FilterRegistrationBean<>(new NotifyBodyFilter(
				properties.maxBodyBytes(), properties.readDeadline(), meters, new NotifyEndpoint(intake, meters)));
		registration.addUrlPatterns("/notify/*");
		// ASYNC: a body awaited by the read listener comes back through here to be answered
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
		registration.setAsyncSupported(true);
		// first of all: ahead of the request observation (HIGHEST_PRECEDENCE + 1) and Spring Security, which the
		// notifications this filter answers do not go through (NotifyEndpoint)
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}
}
