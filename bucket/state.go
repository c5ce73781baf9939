package bucket

import "github.com/hmaplab/hmap/asm"

// SlotState names what a tophash byte says about its slot.
type SlotState uint8

// The slot states, one per reserved tophash value, and Full.
const (
	StateEmptyRest SlotState = iota
	StateEmptyOne
	StateEvacuatedX
	StateEvacuatedY
	StateEvacuatedEmpty
	StateFull
)

// StateOf returns the state a tophash byte describes.
func StateOf(top uint8) SlotState {
	if top >= asm.MinTopHash {
		return StateFull
	}
	return SlotState(top)
}

var stateNames = [...]string{"emptyRest", "emptyOne", "evacuatedX", "evacuatedY", "evacuatedEmpty", "full"}

// String returns the runtime's name for the state ("emptyRest", ...).
func (s SlotState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "SlotState(?)"
}
