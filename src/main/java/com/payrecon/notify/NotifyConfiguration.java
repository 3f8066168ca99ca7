package com.payrecon.notify;

import java.util.EnumSet;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The notify URLs' body reader with its total deadline ({@link NotifyBodyFilter}), ahead of everything else. */
@Configuration(proxyBeanMethods = false)
class NotifyConfiguration {

	@Bean
	FilterRegistrationBean<NotifyBodyFilter> notifyBodyFilter(NotifyProperties properties, MeterRegistry meters) {
		FilterRegistrationBean<NotifyBodyFilter> registration = new FilterRegistrationBean<>(
				new NotifyBodyFilter(properties.maxBodyBytes(), properties.readDeadline(), meters));
		registration.addUrlPatterns("/notify/*");
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
		registration.setAsyncSupported(true);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}
}
