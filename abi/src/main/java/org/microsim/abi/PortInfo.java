package org.microsim.abi;

import java.nio.charset.StandardCharsets;

/**
 * The structured description of a port, byte-compatible with the seed's {@code #[repr(C)]} struct:
 * 114 bytes, little-endian.
 *
 * <pre>
 *   0 name[32]       32 name_len   33 pad   34 class u16   36 subclass u16
 *  38 parent[32]     70 parent_len 71 pad   72 vendor u16  74 device u16  76 caps u16
 *  78 metadata[32]  110 metadata_len        111 reserved[3]
 * </pre>
 *
 * Names and parents are UTF-8, at most 32 bytes; metadata is opaque bytes (a partition index, a MAC).
 * An empty parent means a root port.
 */
public record PortInfo(String name, PortClass portClass, int subclass, String parent, int vendorId, int deviceId,
                       int caps, byte[] metadata) {

    public static final int SIZE = 114;
    public static final int MAX_NAME = 32;

    /**
     * Validates and copies. Bad fields from a program are its bug and fail fast with a clear message; the
     * kernel checks a PortInfo again at registration and answers with an error value instead.
     */
    public PortInfo {
        metadata = metadata == null ? new byte[0] : metadata.clone();
        parent = parent == null ? "" : parent;
        String problem = problem(name, portClass, subclass, parent, vendorId, deviceId, caps, metadata);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** A port with no parent, vendor, device or metadata. */
    public static PortInfo of(String name, PortClass portClass, int subclass) {
        return new PortInfo(name, portClass, subclass, "", 0, 0, 0, new byte[0]);
    }

    /** Why these fields cannot form a PortInfo, or null when they can. */
    public static String problem(String name, PortClass portClass, int subclass, String parent, int vendorId,
                                 int deviceId, int caps, byte[] metadata) {
        if (name == null || name.isEmpty()) {
            return "port name is empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            return "port name '" + name + "' is longer than " + MAX_NAME + " bytes";
        }
        if (parent.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            return "parent name '" + parent + "' is longer than " + MAX_NAME + " bytes";
        }
        if (portClass == null) {
            return "port class is missing";
        }
        if (!fitsU16(subclass) || !fitsU16(vendorId) || !fitsU16(deviceId) || !fitsU16(caps)) {
            return "subclass, vendor, device and caps must fit in 16 bits";
        }
        if (metadata.length > MAX_NAME) {
            return "metadata is longer than " + MAX_NAME + " bytes";
        }
        return null;
    }

    private static boolean fitsU16(int v) {
        return v >= 0 && v <= 0xffff;
    }

    @Override
    public byte[] metadata() {
        return metadata.clone();
    }

    public boolean hasCaps(int required) {
        return (caps & required) == required;
    }

    /** The 114-byte wire form. */
    public byte[] encode() {
        WireWriter w = new WireWriter();
        fixed(w, name);
        w.u8(0).u16(portClass.code()).u16(subclass);
        fixed(w, parent);
        w.u8(0).u16(vendorId).u16(deviceId).u16(caps);
        byte[] meta = new byte[MAX_NAME];
        System.arraycopy(metadata, 0, meta, 0, metadata.length);
        w.bytes(meta).u8(metadata.length).zeros(3);
        return w.toByteArray();
    }

    private static void fixed(WireWriter w, String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] field = new byte[MAX_NAME];
        System.arraycopy(raw, 0, field, 0, raw.length);
        w.bytes(field).u8(raw.length);
    }

    /**
     * Decodes the wire form.
     *
     * @throws MalformedException for a wrong size, a length over 32, an unknown class or a non-UTF-8 name
     */
    public static PortInfo decode(byte[] bytes) throws MalformedException {
        if (bytes.length != SIZE) {
            throw new MalformedException("PortInfo must be " + SIZE + " bytes, got " + bytes.length);
        }
        return read(new WireReader(bytes));
    }

    /** Reads the next 114 bytes of a longer message as a PortInfo. */
    public static PortInfo read(WireReader r) throws MalformedException {
        String name = fixedString(r, "name");
        r.skip(1, "pad");
        PortClass portClass = PortClass.fromCode(r.u16("port_class"));
        int subclass = r.u16("port_subclass");
        String parent = fixedString(r, "parent");
        r.skip(1, "pad");
        int vendor = r.u16("vendor_id");
        int device = r.u16("device_id");
        int caps = r.u16("caps");
        byte[] meta = r.bytes(MAX_NAME, "metadata");
        int metaLen = r.u8("metadata_len");
        if (metaLen > MAX_NAME) {
            throw new MalformedException("metadata_len " + metaLen + " is over " + MAX_NAME);
        }
        r.skip(3, "reserved");
        if (name.isEmpty()) {
            throw new MalformedException("port name is empty");
        }
        byte[] metadata = new byte[metaLen];
        System.arraycopy(meta, 0, metadata, 0, metaLen);
        return new PortInfo(name, portClass, subclass, parent, vendor, device, caps, metadata);
    }

    private static String fixedString(WireReader r, String field) throws MalformedException {
        byte[] raw = r.bytes(MAX_NAME, field);
        int len = r.u8(field + "_len");
        if (len > MAX_NAME) {
            throw new MalformedException(field + "_len " + len + " is over " + MAX_NAME);
        }
        byte[] used = new byte[len];
        System.arraycopy(raw, 0, used, 0, len);
        return WireReader.utf8(used, field);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortInfo p && name.equals(p.name) && portClass == p.portClass && subclass == p.subclass
                && parent.equals(p.parent) && vendorId == p.vendorId && deviceId == p.deviceId && caps == p.caps
                && java.util.Arrays.equals(metadata, p.metadata);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, portClass, subclass, parent, vendorId, deviceId, caps)
                * 31 + java.util.Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "PortInfo[" + name + " " + portClass + "/0x" + Integer.toHexString(subclass) + " parent=" + parent
                + " " + String.format("%04x:%04x", vendorId, deviceId) + " caps=" + PortCaps.describe(caps) + "]";
    }
}
