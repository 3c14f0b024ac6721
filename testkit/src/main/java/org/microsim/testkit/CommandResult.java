package org.microsim.testkit;

/**
 * What one command did.
 *
 * @param ok whether it did its job ({@code expect error} holds when it did not)
 * @param output what it printed, or why it failed
 */
public record CommandResult(boolean ok, String output) {
}
