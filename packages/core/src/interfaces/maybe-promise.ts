/** A method of the contract may answer at once or with a promise; hosts always await. */
export type MaybePromise<T> = T | Promise<T>;
