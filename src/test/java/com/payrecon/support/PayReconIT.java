package com.payrecon.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * An integration test against the whole application on a random port and a real MariaDB (profile {@code it}).
 * All such tests share one application context (and so one database), so they must not depend on a clean database:
 * use fresh order numbers ({@link TestData#outTradeNo()}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@Import(TestClockConfiguration.class)
public @interface PayReconIT {
}
