package org.microsim.drivers.usbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;

/** Configuration descriptors are parsed strictly: what a bad device sends is refused with a reason, never thrown. */
class ConfigurationTest {
    private static final byte[] STICK = {9, 2, 32, 0, 1, 1, 0, (byte) 0xc0, 50,
            9, 4, 0, 0, 2, 8, 6, 0x50, 0,
            7, 5, (byte) 0x81, 2, 0, 2, 0,
            7, 5, 0x02, 2, 0, 2, 0};

    @Test
    void aSticksConfigurationHasItsInterfaceAndBulkEndpoints() throws MalformedException {
        Configuration c = Configuration.parse(STICK);
        assertEquals(1, c.value());
        Configuration.Interface i = c.interfaces().getFirst();
        assertEquals(8, i.interfaceClass());
        assertEquals(3, i.endpoint(2, true).dci());
        assertEquals(4, i.endpoint(2, false).dci());
        assertEquals(512, i.endpoint(2, true).maxPacket());
    }

    @Test
    void inconsistentDescriptorsAreRefused() {
        byte[] wrongTotal = STICK.clone();
        wrongTotal[2] = 40;
        assertThrows(MalformedException.class, () -> Configuration.parse(wrongTotal));
        byte[] zeroLength = STICK.clone();
        zeroLength[18] = 0;
        assertThrows(MalformedException.class, () -> Configuration.parse(zeroLength));
        byte[] orphan = {9, 2, 16, 0, 0, 1, 0, 0, 0, 7, 5, (byte) 0x81, 2, 0, 2, 0};
        assertThrows(MalformedException.class, () -> Configuration.parse(orphan));
    }

    @Property(tries = 2000)
    void mutatedDescriptorsParseOrAreRefused(@ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        byte[] bytes = java.util.Arrays.copyOf(STICK, STICK.length + random.nextInt(8) - 4);
        for (int i = random.nextInt(4); i >= 0; i--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
        }
        randomBytesParseOrAreRefused(bytes);
    }

    @Property(tries = 2000)
    void randomBytesParseOrAreRefused(@ForAll byte[] bytes) {
        try {
            Configuration.parse(bytes);
        } catch (MalformedException expected) {
            // refused with a reason: what a bad device gets
        }
    }
}
