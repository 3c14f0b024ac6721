/**
 * The network protocols: {@link org.microsim.abi.net.EthRequest} between an Ethernet driver and its clients.
 */
package org.microsim.abi.net;
