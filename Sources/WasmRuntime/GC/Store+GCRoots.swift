/// The roots of a collection outside the value stack: every cell where Wasm code or the
/// host may have left a reference.
extension Store {
    func markRoots(_ marker: inout GCHeap.Marker) {
        for object in retained {
            switch object {
            case let instance as Instance:
                for global in instance.globals { mark(global, &marker) }
                for table in instance.tables { mark(table, &marker) }
                for segment in instance.elements { for word in segment { marker.mark(word) } }
                // What a snapshot restores after `elem.drop` must survive the drop.
                for segment in instance.initialElements { for word in segment { marker.mark(word) } }
            case let global as Global: mark(global, &marker)
            case let table as Table: mark(table, &marker)
            case let exception as Exception: for word in exception.slots { marker.mark(word) }
            default: break
            }
        }
    }

    private func mark(_ global: Global, _ marker: inout GCHeap.Marker) {
        guard global.type.valueType.isReference else { return }
        marker.mark(global.cell.pointee)
    }

    private func mark(_ table: Table, _ marker: inout GCHeap.Marker) {
        let storage = table.storage.pointee
        for i in 0..<storage.count { marker.mark(storage.elements[i]) }
    }
}
