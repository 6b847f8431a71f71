/**
 * Items kept in the order of `compare` as they come and go, so a query walks
 * them best first and stops once it has enough: no sort per query. `compare`
 * must be a total order (ties broken by a unique key), so an item is found
 * again by binary search.
 */
export class RankedList<T> {
  private readonly items: T[] = []

  constructor (private readonly compare: (a: T, b: T) => number) {}

  /** The index of the first item not ranked before `item`. */
  private lowerBound (item: T): number {
    let low = 0
    let high = this.items.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.compare(this.items[mid], item) < 0) low = mid + 1
      else high = mid
    }
    return low
  }

  insert (item: T): void {
    this.items.splice(this.lowerBound(item), 0, item)
  }

  /** Remove `item` (the same object that was inserted, unchanged since). */
  remove (item: T): void {
    const at = this.lowerBound(item)
    if (this.items[at] === item) this.items.splice(at, 1)
  }

  [Symbol.iterator] (): Iterator<T> {
    return this.items[Symbol.iterator]()
  }
}
