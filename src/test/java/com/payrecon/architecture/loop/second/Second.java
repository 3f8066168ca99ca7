package com.payrecon.architecture.loop.second;

import com.payrecon.architecture.loop.first.First;

/** The other half of the deliberate loop in {@code First}. */
public class Second {

	First first;
}
