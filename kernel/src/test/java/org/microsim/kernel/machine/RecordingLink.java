package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.List;

/** A wire to a test: it keeps what the attached station sends and lets the test send frames and pull the cable. */
final class RecordingLink implements EthernetLink {
    final List<byte[]> sent = new ArrayList<>();
    private Station station;
    private boolean up = true;

    @Override
    public synchronized Attachment attach(Station newStation) {
        station = newStation;
        return new Attachment() {
            @Override
            public void transmit(byte[] frame) {
                synchronized (RecordingLink.this) {
                    if (up && station == newStation) {
                        sent.add(frame);
                    }
                }
            }

            @Override
            public boolean up() {
                synchronized (RecordingLink.this) {
                    return up;
                }
            }

            @Override
            public void detach() {
                synchronized (RecordingLink.this) {
                    if (station == newStation) {
                        station = null;
                    }
                }
            }
        };
    }

    /** A frame from the far end, delivered to the attached station. */
    void inject(byte[] frame) {
        Station target;
        synchronized (this) {
            target = station;
        }
        if (target != null) {
            target.receive(frame);
        }
    }

    void setUp(boolean newUp) {
        Station target;
        synchronized (this) {
            up = newUp;
            target = station;
        }
        if (target != null) {
            target.linkChanged(newUp);
        }
    }

    /** What was sent since the last call. */
    synchronized List<byte[]> take() {
        List<byte[]> frames = new ArrayList<>(sent);
        sent.clear();
        return frames;
    }
}
