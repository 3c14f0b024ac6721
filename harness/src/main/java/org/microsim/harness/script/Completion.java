package org.microsim.harness.script;

/**
 * A way to finish the word being typed, offered by Tab.
 *
 * @param value the whole word
 * @param complete whether the word is finished (a space follows), unlike a directory, whose names come next
 */
public record Completion(String value, boolean complete) {
}
