package org.microsim.kernel.machine;

/**
 * The wire a NIC is plugged into: a {@link Lan}, a test's loopback, or a switch's CPU port. A link carries whole
 * frames (destination, source, type, payload; no preamble or FCS) and can be up or down; stations hear about both
 * through their {@link Station}.
 */
public interface EthernetLink {
    /** Plugs a station in; the link calls it with frames for it and with carrier changes. */
    Attachment attach(Station station);

    /** What a NIC (or any endpoint) offers the link. Called on whatever thread the link delivers on. */
    interface Station {
        void receive(byte[] frame);

        void linkChanged(boolean up);
    }

    /** A station's socket on the link. */
    interface Attachment {
        /** Puts a frame on the wire; a link that is down drops it. The link may keep the array. */
        void transmit(byte[] frame);

        boolean up();

        /** Unplugs the station. */
        void detach();
    }
}
