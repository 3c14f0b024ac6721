package org.microsim.abi;

/**
 * The one-shot right to answer a call, as seL4's reply capability. Created by the kernel when a call is
 * received; the kernel accepts it only from the task that received it, and only once.
 */
public record ReplyRight(long id) {
}
