package org.microsim.abi;

/**
 * What a handle allows: send to the port, receive from it, grant (pass the handle on in a message).
 * Rights only ever narrow as a handle is duplicated or transferred.
 */
public record Rights(int bits) {
    public static final int SEND_BIT = 1;
    public static final int RECEIVE_BIT = 2;
    public static final int GRANT_BIT = 4;

    public static final Rights NONE = new Rights(0);
    public static final Rights SEND = new Rights(SEND_BIT);
    public static final Rights SEND_GRANT = new Rights(SEND_BIT | GRANT_BIT);
    public static final Rights ALL = new Rights(SEND_BIT | RECEIVE_BIT | GRANT_BIT);

    public Rights {
        if ((bits & ~7) != 0) {
            throw new IllegalArgumentException("unknown rights bits " + bits);
        }
    }

    public boolean canSend() {
        return (bits & SEND_BIT) != 0;
    }

    public boolean canReceive() {
        return (bits & RECEIVE_BIT) != 0;
    }

    public boolean canGrant() {
        return (bits & GRANT_BIT) != 0;
    }

    /** True when every right of {@code other} is also in this. */
    public boolean includes(Rights other) {
        return (bits & other.bits) == other.bits;
    }

    public Rights intersect(Rights other) {
        return new Rights(bits & other.bits);
    }

    @Override
    public String toString() {
        return (canSend() ? "s" : "-") + (canReceive() ? "r" : "-") + (canGrant() ? "g" : "-");
    }
}
