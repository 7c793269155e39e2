// Coalesce bursts of calls (settings saved key by key, an interpreter switch firing several
// events) into one call after a quiet period, so the server restarts once, not once per event.

export interface Debounced {
    (): void;
    cancel(): void;
}

export function debounce(action: () => void, waitMs: number): Debounced {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const debounced = (): void => {
        if (timer !== undefined) {
            clearTimeout(timer);
        }
        timer = setTimeout(() => {
            timer = undefined;
            action();
        }, waitMs);
    };
    debounced.cancel = (): void => {
        if (timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
        }
    };
    return debounced;
}
