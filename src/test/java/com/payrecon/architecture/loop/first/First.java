package com.payrecon.architecture.loop.first;

import com.payrecon.architecture.loop.second.Second;

/** A deliberate package loop (first ⇄ second), only so that {@code PackageCyclesTests} can show its rule fails. */
public class First {

	Second second;
}
