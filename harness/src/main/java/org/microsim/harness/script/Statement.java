package org.microsim.harness.script;

/** One non-blank line of the language, parsed: a command to run or an expectation about the last one. */
public sealed interface Statement permits Invocation, Expectation {
}
