/** Node's longest timer, in ms (about 24.8 days): a longer delay fires after 1 ms instead, with a warning. */
export const MAX_TIMER_MS = 2_147_483_647;
