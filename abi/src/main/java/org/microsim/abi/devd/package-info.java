/**
 * devd's wire protocol (msg ids 300..399) and the {@code SERVICE_NOTIFY_DRIVER_AVAILABLE} (msg id 100)
 * notification it sends to subscribed services. Decoding is strict and fails with a
 * {@link org.microsim.abi.MalformedException} naming the field.
 */
package org.microsim.abi.devd;
