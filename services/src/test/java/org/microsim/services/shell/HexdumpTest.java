package org.microsim.services.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HexdumpTest {
    @Test
    void linesLookLikeHexdumpC() {
        byte[] bytes = "Hello, world!\n\u0001ABC".getBytes(StandardCharsets.US_ASCII);
        assertEquals("""
                00000100  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 41  |Hello, world!..A|
                00000110  42 43                                             |BC|
                00000112
                """, Hexdump.format(bytes, 0x100));
        assertEquals("00000000\n", Hexdump.format(new byte[0], 0));
        assertEquals("123456780  ff" + " ".repeat(48) + "|.|\n123456781\n", Hexdump.format(new byte[] {-1}, 0x123456780L));
    }

    @Test
    void partitionTypesHaveNames() {
        assertEquals("fat32", ShellCommands.typeName(0x0c));
        assertEquals("disk", ShellCommands.typeName(0));
        assertEquals("0x42", ShellCommands.typeName(0x42));
    }
}
