package com.payrecon.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.support.Http;

/** Reads {@code /actuator/prometheus} as a scraper would (bearer token of application-it.yaml). */
public final class Scrape {

	static final String TOKEN = "it-scrape-token-0123456789";

	private final String text;

	private Scrape(String text) {
		this.text = text;
	}

	public static Scrape of(Http http) {
		HttpResponse<String> response = http.get("/actuator/prometheus", Map.of("Authorization", "Bearer " + TOKEN));
		assertThat(response.statusCode()).isEqualTo(200);
		return new Scrape(response.body());
	}

	String text() {
		return text;
	}

	/**
	 * The value of the series {@code name} whose labels include all of {@code labels} (summed over the other
	 * labels); 0 when there is none.
	 */
	public double value(String name, Map<String, String> labels) {
		double sum = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
				continue;
			}
			int close = line.lastIndexOf('}');
			String labelPart = close < 0 ? "" : line.substring(name.length(), close + 1);
			boolean all = labels.entrySet()
				.stream()
				.allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""));
			if (all) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}
}
