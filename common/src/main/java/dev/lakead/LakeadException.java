package dev.lakead;

/**
 * An error the user can fix: bad input, a wrong setting, a broken model bundle.
 * The message names the column, file or setting at fault; launchers print it without a stack trace.
 */
public class LakeadException extends RuntimeException {
    public LakeadException(String message) {
        super(message);
    }

    public LakeadException(String message, Throwable cause) {
        super(message, cause);
    }
}
