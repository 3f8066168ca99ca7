package com.payrecon.reconcile;

/**
 * An operator's request about a run that cannot be carried out as asked; {@code key} and {@code arguments} name the
 * message that says why (messages.properties), in the reader's language.
 */
public class RunRefused extends RuntimeException {

	private final String key;
	private final transient Object[] arguments;

	public RunRefused(String key, Object... arguments) {
		super(key);
		this.key = key;
		this.arguments = arguments;
	}

	public String key() {
		return key;
	}

	public Object[] arguments() {
		return arguments.clone();
	}
}
