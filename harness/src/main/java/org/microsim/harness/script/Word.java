package org.microsim.harness.script;

/**
 * A word of a command line, quotes removed, with the column (1-based) where it starts, so that an error can
 * point at it.
 */
record Word(String text, int column) {
}
