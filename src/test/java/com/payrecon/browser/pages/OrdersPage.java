package com.payrecon.browser.pages;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

public class OrdersPage extends ConsolePage {

	OrdersPage(WebDriver driver, int port) {
		super(driver, port);
	}

	public static OrdersPage to(WebDriver driver, int port) {
		driver.get(url(port, "/orders"));
		return new OrdersPage(driver, port).assertAt();
	}

	public OrdersPage assertAt() {
		waitFor(By.id("orders-page"));
		return this;
	}

	public OrdersPage searchByOutTradeNo(String outTradeNo) {
		driver.findElement(By.id("search-out-trade-no")).clear();
		driver.findElement(By.id("search-out-trade-no")).sendKeys(outTradeNo);
		clickAndAwaitNewPage(By.id("search-submit"));
		return new OrdersPage(driver, port).assertAt();
	}

	public List<String> outTradeNos() {
		return driver.findElements(By.cssSelector("#orders tbody tr[id^=order-] td:nth-child(4)")).stream().map(td -> td.getText()).toList();
	}

	public OrderDetailPage open(String outTradeNo) {
		clickAndAwaitNewPage(By.linkText(outTradeNo));
		return new OrderDetailPage(driver, port).assertAt();
	}
}
