export {
  matchSlots,
  SlotTracker,
  type SlotTrackerOptions,
  slotCosine,
  type TrackedSlots,
} from './slotTracker.js';
