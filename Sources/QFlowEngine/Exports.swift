// The engine's clients speak its languages and read its errors' kinds without a second import.
@_exported import QFlowCore
