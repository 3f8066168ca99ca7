package com.payrecon;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class PayReconApplication {

	public static void main(String[] args) {
		SpringApplication.run(PayReconApplication.class, args);
	}
}
