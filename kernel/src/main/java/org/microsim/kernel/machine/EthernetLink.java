package org.microsim.kernel.machine;

import java.util.List;

/**
 * The wire a NIC is plugged into: a {@link Lan}, a test's loopback, or a switch's CPU port. A link carries whole
 * frames (destination, source, type, payload; no preamble or FCS) and can be up or down; stations hear about both
 * through their {@link Station}.
 */
public interface EthernetLink {
    /** Plugs a station in; the link calls it with frames for it and with carrier changes. */
    Attachment attach(Station station);

    /**
     * What a NIC (or any endpoint) offers the link. Called on whatever thread the link delivers on. A received
     * frame is shared: the same array may reach several stations (a flood, a duplicate) and a capture; a station
     * reads it and keeps it if it likes, but never changes it.
     */
    interface Station {
        void receive(byte[] frame);

        /**
         * Frames that arrived together, in order: a NIC takes them as one burst (one interrupt for all, as the
         * e1000's receive delay timer gathers them), where one at a time would signal each.
         */
        default void receive(List<byte[]> frames) {
            frames.forEach(this::receive);
        }

        void linkChanged(boolean up);
    }

    /** A station's socket on the link. */
    interface Attachment {
        /** Puts a frame on the wire; a link that is down drops it. The link may keep the array. */
        void transmit(byte[] frame);

        /** Puts frames that leave together on the wire, in order, as one burst. */
        default void transmit(List<byte[]> frames) {
            frames.forEach(this::transmit);
        }

        boolean up();

        /** Unplugs the station. */
        void detach();
    }
}
