package org.microsim.kernel;

/**
 * Thrown inside a task's thread at its next system call once the task was killed: it unwinds the program
 * (an Error, so {@code catch (Exception e)} in a program does not swallow it). The kernel already tore the
 * task down; the thread only has to end.
 */
final class TaskKilled extends Error {
    TaskKilled() {
        super("task killed", null, false, false);
    }
}
