package org.microsim.kernel.machine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cable from a NIC's transmit pins back to its own receive pins: every frame a station sends comes back
 * to that station, at once and on the sender's thread, while the link is up. Pulling the cable
 * ({@link #setUp}) tells every station the carrier changed.
 */
final class LoopbackLink implements EthernetLink {
    private final List<Station> stations = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;

    @Override
    public Attachment attach(Station station) {
        stations.add(station);
        return new Attachment() {
            @Override
            public void transmit(byte[] frame) {
                if (up && stations.contains(station)) {
                    station.receive(frame.clone());
                }
            }

            @Override
            /** True while the cable is plugged in. */
    public boolean up() {
                return up;
            }

            @Override
            public void detach() {
                stations.remove(station);
            }
        };
    }

    /** Plugs the cable in (true) or pulls it (false). */
    public void setUp(boolean newUp) {
        if (up == newUp) {
            return;
        }
        up = newUp;
        for (Station station : stations) {
            station.linkChanged(newUp);
        }
    }

    public boolean up() {
        return up;
    }
}
