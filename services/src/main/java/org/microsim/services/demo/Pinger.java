package org.microsim.services.demo;

import java.time.Duration;
import java.util.Arrays;
import org.microsim.abi.CallException;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * A client of {@link Echo}: looks the service up (waiting for it to appear), makes N calls with a 64-byte
 * payload, checks every answer, and logs what it saw. Arguments: N as a little-endian u32.
 */
public final class Pinger implements Program {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The argument bytes for N pings. */
    public static byte[] args(int count) {
        return new WireWriter().i32(count).toByteArray();
    }

    @Override
    public void run(Sys sys) throws MalformedException {
        WireReader in = new WireReader(sys.start().args());
        int count = in.i32("count");
        Result<Handle> echo = sys.lookup(Echo.PORT, TIMEOUT);
        if (!echo.isOk()) {
            sys.log("pinger: cannot reach " + Echo.PORT + ": " + echo.errorOrNull());
            return;
        }
        Client client = Client.of(sys, echo.orThrow(), TIMEOUT);
        int good = 0;
        for (int i = 1; i <= count; i++) {
            byte[] payload = new byte[64];
            Arrays.fill(payload, (byte) i);
            long start = sys.now();
            try {
                if (Arrays.equals(client.call(EchoRequest.of(payload)), payload)) {
                    good++;
                    sys.log("pinger: reply " + i + " after " + (sys.now() - start) + "ns");
                } else {
                    sys.log("pinger: call " + i + " failed: wrong bytes");
                }
            } catch (CallException e) {
                sys.log("pinger: call " + i + " failed: " + e.getMessage());
            }
        }
        sys.log("pinger: " + good + "/" + count + " replies");
    }
}
