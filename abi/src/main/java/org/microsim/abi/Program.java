package org.microsim.abi;

/**
 * The code of a task. The kernel runs it on the task's own thread; returning ends the task normally, any
 * Throwable that escapes (StackOverflowError included) crashes that task and nothing else.
 */
@FunctionalInterface
public interface Program {
    void run(Sys sys) throws Exception;
}
