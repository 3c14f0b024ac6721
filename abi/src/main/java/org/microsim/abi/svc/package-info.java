/**
 * The service manager's wire protocol (msg ids 200..299): requests, the restart contract, status replies and
 * error codes. Every type encodes to and decodes from message bytes; decoding is strict (exact lengths, known
 * ids, no trailing bytes) and fails with a {@link org.microsim.abi.MalformedException} naming the field.
 */
package org.microsim.abi.svc;
