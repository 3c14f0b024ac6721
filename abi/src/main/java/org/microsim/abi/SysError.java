package org.microsim.abi;

/**
 * A system call's failure: the code, a sentence for people, and for {@link ErrorCode#PEER_DIED} the
 * generation of the port that replaced the dead one ({@code -1} when nothing did yet).
 */
public record SysError(ErrorCode code, String detail, long newGeneration) {
    public static SysError of(ErrorCode code, String detail) {
        return new SysError(code, detail, -1);
    }

    @Override
    public String toString() {
        return code + ": " + detail + (newGeneration >= 0 ? " (now generation " + newGeneration + ")" : "");
    }
}
