// Personal data outside the journal can be erased (crypto-shredding). An erased field reads
// as this marker; schemas of personal fields accept it so an erased history stays valid.
export const ERASED = '[removed]';
